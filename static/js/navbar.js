/* fedportal: the top bar is laid out on one line when it fits and collapses into its menu button when it does not,
   whatever the language, the role's menus and the window's width. Loaded right after the bar (before the page is
   painted); portal.js calls it again on resize and once the fonts are loaded. */
window.fedportalFitNavbar = function () {
  var bar = document.querySelector(".portal-navbar"), nav = document.getElementById("portal-nav");
  if (!bar || !nav || nav.classList.contains("show") || nav.classList.contains("collapsing")) return;
  bar.classList.add("navbar-expand-xl");
  var inner = bar.querySelector(".container-fluid");
  if (inner.scrollWidth > inner.clientWidth + 1) bar.classList.remove("navbar-expand-xl");
};
window.fedportalFitNavbar();
