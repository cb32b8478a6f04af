// The choosers of national lists (lde/core/govuk/widgets.py: Autocomplete, AutocompleteMultiple),
// enhanced with GOV.UK's accessible autocomplete. Without this script each is a plain select that
// works on its own; the select stays in the form and is what is submitted.
import "/static/govuk/accessible-autocomplete.min.js";

const { accessibleAutocomplete } = window;

// Typed text that names no option is sent as this, which no list holds, so the form says
// "Select one of the options given" rather than quietly keeping an earlier choice or none.
const UNMATCHED = "-unmatched-";

const label = (option) => (option.textContent || "").trim();

const matches = (options, query) => {
  const typed = query.trim().toLowerCase();
  if (!typed) return [];
  // Names whose words start with what was typed come first ("Har" finds Harrowfield before
  // Tharston), then the rest containing it, each group in the list's own order.
  const starts = [];
  const contains = [];
  for (const option of options) {
    const text = label(option);
    const lower = text.toLowerCase();
    const at = lower.indexOf(typed);
    if (at === -1) continue;
    if (at === 0 || /[\s,(-]/.test(lower[at - 1])) starts.push(text);
    else contains.push(text);
  }
  return [...starts, ...contains];
};

// The autocomplete writes its own aria-describedby (its usage hint) and removes it again; the
// field's hint and error message, which the select was described by, are kept on the input.
const keepDescribedBy = (input, ids) => {
  if (!input || !ids) return;
  const wanted = ids.split(/\s+/).filter(Boolean);
  const apply = () => {
    const own = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const missing = wanted.filter((id) => !own.includes(id));
    if (missing.length) input.setAttribute("aria-describedby", [...own, ...missing].join(" "));
  };
  apply();
  new MutationObserver(apply).observe(input, { attributes: true, attributeFilter: ["aria-describedby"] });
};

const unmatchedOption = (select) => {
  let option = select.querySelector(`option[value="${UNMATCHED}"]`);
  if (!option) {
    option = document.createElement("option");
    option.value = UNMATCHED;
    option.hidden = true;
    select.append(option);
  }
  return option;
};

function enhanceOne(select) {
  const id = select.id;
  const describedBy = select.getAttribute("aria-describedby");
  const options = [...select.options].filter((option) => option.value);
  // The server checks the choice; a hidden required select would stop the form with a message
  // from the browser about a control nobody can see.
  select.required = false;
  accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: "",
    minLength: 2,
    source: (query, populate) => populate(matches(options, query)),
    inputClasses: select.classList.contains("govuk-select--error") ? "govuk-input--error" : null,
    tNoResults: () => "No matches: try fewer letters, or another part of the name",
  });
  const input = document.getElementById(id);
  keepDescribedBy(input, describedBy);
  const form = select.form;
  if (!input || !form) return;
  // What is sent is what the box shows: the option of that name, nothing when it is empty, or a
  // value the form refuses when the text names nothing in the list.
  form.addEventListener("submit", () => {
    const text = input.value.trim();
    if (!text) {
      select.value = "";
      return;
    }
    const chosen = options.find((option) => label(option) === text);
    if (chosen) {
      select.value = chosen.value;
    } else {
      unmatchedOption(select).selected = true;
    }
  });
}

function enhanceMultiple(select) {
  const id = select.id;
  const describedBy = (select.getAttribute("aria-describedby") || "")
    .split(/\s+/)
    .filter((ref) => ref && ref !== `${id}-how`)
    .join(" ");
  const options = [...select.options].filter((option) => option.value);
  const name = document.querySelector(`label[for="${id}"]`)?.textContent.trim() || "Chosen";
  document.getElementById(`${id}-how`)?.remove();
  select.required = false;
  select.id = `${id}-select`;
  select.hidden = true;
  select.style.display = "none";

  const chosen = document.createElement("div");
  chosen.className = "lde-chosen";
  const empty = document.createElement("p");
  empty.className = "govuk-body govuk-!-margin-bottom-2";
  empty.textContent = "None chosen yet.";
  const list = document.createElement("ul");
  list.className = "lde-chosen__list";
  list.setAttribute("aria-label", `${name}: chosen`);
  const status = document.createElement("div");
  status.className = "govuk-visually-hidden";
  status.setAttribute("aria-live", "polite");
  status.id = `${id}-status`;
  const holder = document.createElement("div");
  chosen.append(empty, list);
  // The search box straight after its label, hint and error; what is chosen below it.
  select.before(holder, chosen, status);

  const count = () => options.filter((option) => option.selected).length;
  const announce = (message) => {
    // Emptied first, so that the same words said twice are still read out.
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = `${message} ${count()} chosen.`;
    }, 50);
  };
  const refreshEmpty = () => {
    empty.hidden = list.children.length > 0;
    list.hidden = list.children.length === 0;
  };

  let input = null;
  const addItem = (option) => {
    const item = document.createElement("li");
    item.className = "lde-chosen__item";
    item.dataset.value = option.value;
    const text = document.createElement("span");
    text.className = "govuk-body govuk-!-margin-bottom-0";
    text.textContent = label(option);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
    remove.textContent = "Remove";
    const hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = ` ${label(option)}`;
    remove.append(hidden);
    remove.addEventListener("click", () => {
      option.selected = false;
      // Focus goes to the next Remove button, or the one before, or back to the search box.
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      refreshEmpty();
      (next ? next.querySelector("button") : input)?.focus();
      announce(`${label(option)} removed.`);
    });
    item.append(text, remove);
    list.append(item);
    refreshEmpty();
  };
  for (const option of options) if (option.selected) addItem(option);
  refreshEmpty();

  accessibleAutocomplete({
    element: holder,
    id,
    name: "",
    minLength: 2,
    confirmOnBlur: false,
    displayMenu: "overlay",
    source: (query, populate) =>
      populate(matches(options.filter((option) => !option.selected), query)),
    inputClasses: select.classList.contains("govuk-select--error") ? "govuk-input--error" : null,
    tNoResults: () => "No matches: try fewer letters, or another part of the name",
    onConfirm: (text) => {
      const option = options.find((each) => !each.selected && label(each) === text);
      if (!option) return;
      option.selected = true;
      addItem(option);
      announce(`${label(option)} added.`);
      // The box is emptied for the next one; the autocomplete hears of it as typing.
      window.setTimeout(() => {
        if (!input) return;
        input.value = "";
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }, 0);
    },
  });
  input = document.getElementById(id);
  keepDescribedBy(input, describedBy);
  // Enter in the search box adds the highlighted item; it never sends the form half-chosen.
  input?.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}

export function enhance(root = document) {
  for (const select of root.querySelectorAll('select[data-module="lde-autocomplete"]')) {
    enhanceOne(select);
  }
  for (const select of root.querySelectorAll('select[data-module="lde-autocomplete-multiple"]')) {
    enhanceMultiple(select);
  }
}

enhance();
