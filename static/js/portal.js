// Small behaviours without inline scripts (the Content-Security-Policy forbids them).
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select) select.form.submit();
});

document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// A village list follows the district chosen in its form (#14, regions/widgets.py): the
// villages of other districts are hidden; a village chosen first fills in its district.
function narrowVillages(villages) {
  const district = villages.form && villages.form.elements[villages.dataset.narrowedBy];
  if (!district) return;
  for (const option of villages.options) {
    if (!option.dataset.district) continue;
    const elsewhere = district.value !== "" && option.dataset.district !== district.value;
    option.hidden = elsewhere;
    option.disabled = elsewhere;
  }
  if (villages.selectedOptions.length && villages.selectedOptions[0].disabled) villages.value = "";
}

document.querySelectorAll("select[data-narrowed-by]").forEach(narrowVillages);

document.addEventListener("change", (event) => {
  const field = event.target;
  if (!field.form) return;
  if (field.matches("select[data-narrowed-by]")) {
    const district = field.form.elements[field.dataset.narrowedBy];
    const chosen = field.selectedOptions[0];
    if (district && district.value === "" && chosen && chosen.dataset.district) {
      district.value = chosen.dataset.district;
      narrowVillages(field);
    }
    return;
  }
  field.form.querySelectorAll(`select[data-narrowed-by="${field.name}"]`).forEach(narrowVillages);
});
