// Runs first thing in <body>, before anything is drawn, so GOV.UK Frontend's
// JavaScript-only styles apply without a flash. A file rather than an inline
// script because the Content-Security-Policy forbids inline scripts.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
