// Loaded on every console page. The pages work without it; it only marks that scripts run (the
// SQL textarea gives way to the editor) and moves focus to the first error a page reports.
document.documentElement.classList.add('js')
const alert = document.querySelector<HTMLElement>('[role="alert"]')
if (alert !== null) {
  alert.tabIndex = -1
  alert.focus()
}
