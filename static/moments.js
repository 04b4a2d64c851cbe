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

// Progressive enhancement: marking a moment while the clip plays. "From here" and "To here"
// take the player's current time; with the player focused, the M key marks where a moment
// begins, and pressed again where it ends. A bar on the timeline plays from its moment.
const player = document.getElementById("clip-player");
const startField = document.getElementById("start");
const endField = document.getElementById("end");
const markStatus = document.getElementById("mark-status");
// The words, translated, come with the page.
const words = (document.getElementById("mark-keys") || {dataset: {}}).dataset;

const timecode = (seconds) => {
  const tenths = Math.floor(seconds * 10) % 10;
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  const rest = tenths ? `${secs}.${tenths}` : secs;
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
};

const take = (field, message) => {
  field.value = timecode(player.currentTime);
  if (markStatus) markStatus.textContent = `${message} ${field.value}.`;
};

if (player && startField && endField) {
  const buttons = [
    [startField, words.from || "From here", words.begins || "The moment begins at"],
    [endField, words.to || "To here", words.ends || "The moment ends at"],
  ];
  for (const [field, label, message] of buttons) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary time-button";
    button.textContent = label;
    button.addEventListener("click", () => take(field, message));
    field.insertAdjacentElement("afterend", button);
  }
  let marking = false;
  player.addEventListener("keydown", (event) => {
    if (event.key !== "m" && event.key !== "M") return;
    event.preventDefault();
    if (!marking) {
      take(startField, words.begins || "The moment begins at");
      endField.value = "";
    } else {
      take(endField, words.ends || "The moment ends at");
    }
    marking = !marking;
  });
}

for (const marker of document.querySelectorAll(".moment-timeline .marker")) {
  marker.addEventListener("click", () => {
    if (!player) return;
    player.currentTime = Number(marker.dataset.start);
    player.play();
  });
}
