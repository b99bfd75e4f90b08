// Starts GOV.UK Frontend's components (service navigation menu, error summary,
// radios, checkboxes, skip link...). Loaded as a module, so browsers too old
// for GOV.UK Frontend skip it and get the plain HTML, which works on its own.
import { initAll } from "./govuk-frontend.min.js";

initAll();
