// Forms marked data-confirm="…" ask before they submit (no inline script: the pages' CSP
// allows scripts from this site only).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
