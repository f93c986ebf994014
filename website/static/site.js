// A display formula wider than its column scrolls sideways; tabindex="0" lets a keyboard
// user reach it and scroll it with the arrow keys (axe: scrollable-region-focusable).
function focusableWideFormulas() {
  for (const formula of document.querySelectorAll('mjx-container[display="true"]')) {
    if (formula.scrollWidth > formula.clientWidth) formula.tabIndex = 0;
  }
}

window.addEventListener("load", () => {
  const typeset = window.MathJax?.startup?.promise;
  (typeset || Promise.resolve()).then(focusableWideFormulas);
});
window.addEventListener("resize", focusableWideFormulas);
