// After a failed submit the error summary takes the focus, so a screen reader announces it
// and the keyboard starts from it (GB/T 37668-2019, WCAG 2.0 3.3.1). A link in the summary
// moves the focus to its field. Loaded with src: the pages' CSP allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});

document.addEventListener("click", (event) => {
  const link = event.target.closest("#error-summary a[href^='#']");
  const field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (field) {
    event.preventDefault();
    const target = field.matches("fieldset") ? field.querySelector("input, select, textarea") : field;
    (target || field).focus();
    field.scrollIntoView({ block: "center" });
  }
});
