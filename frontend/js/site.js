// Starts GOV.UK Frontend's components (service navigation menu, error summary,
// radios, checkboxes, skip link...). Loaded as a module, so browsers too old
// for GOV.UK Frontend skip it and get the plain HTML, which works on its own.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// The directory's filters are folded so a phone shows results first; on a wider screen, where
// they sit beside the results, they start unfolded. Without JavaScript they stay folded and
// open with a click.
if (window.matchMedia("(min-width: 40.0625em)").matches) {
  document.querySelectorAll("details[data-open-from-tablet]").forEach((details) => {
    details.open = true;
  });
}
