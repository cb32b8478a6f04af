// GOV.UK Frontend's components, started once the page has loaded. Pages work without this.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// The choosers of national lists, loaded only on the pages that have one.
if (document.querySelector('select[data-module^="lde-autocomplete"]')) {
  import("/static/js/autocomplete.mjs");
}
