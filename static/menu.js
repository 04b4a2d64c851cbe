// Progressive enhancement: on a narrow screen the main menu folds behind one button. Without
// JavaScript the button stays hidden and the menu stays open, wrapping onto several lines.
const menuButton = document.querySelector(".menu-toggle");
const menu = document.getElementById("site-menu");
if (menuButton && menu) {
  const header = menuButton.closest(".site-header");
  const setOpen = (open) => {
    menuButton.setAttribute("aria-expanded", String(open));
    header.classList.toggle("menu-open", open);
  };
  header.classList.add("menu-folds");
  menuButton.hidden = false;
  setOpen(false);
  menuButton.addEventListener("click", () => {
    setOpen(menuButton.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and gives the focus back to its button.
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && header.classList.contains("menu-open")) {
      setOpen(false);
      menuButton.focus();
    }
  });
}
