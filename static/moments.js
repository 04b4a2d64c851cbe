// Progressive enhancement: a moment's link plays the embedded clip from the moment's start.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.moment-play");
  const video = document.getElementById("clip-player");
  if (!link || !video) return;
  event.preventDefault();
  video.currentTime = Number(link.dataset.start);
  video.play();
  video.focus();
});

// Progressive enhancement: the element list offers only the chosen principle's elements. Each
// element option names its principle (data-principle); the groups of other principles are taken
// out of the list and put back when their principle is chosen. Without JavaScript every element
// is listed, grouped by principle, and the server refuses an element of another principle.
const principleSelect = document.getElementById("principle");
const elementSelect = document.getElementById("element");
if (principleSelect && elementSelect) {
  const groups = Array.from(elementSelect.querySelectorAll("optgroup"));
  const belongs = (group) =>
    Array.from(group.querySelectorAll("option")).some(
      (option) => option.dataset.principle === principleSelect.value,
    );
  const followPrinciple = () => {
    for (const group of groups) {
      if (belongs(group)) {
        if (!group.isConnected) elementSelect.append(group);
      } else if (group.isConnected) {
        // A chosen element of another principle goes with its group: "none" is chosen instead.
        if (group.contains(elementSelect.selectedOptions[0] || null)) elementSelect.value = "0";
        group.remove();
      }
    }
  };
  principleSelect.addEventListener("change", followPrinciple);
  followPrinciple();
}
