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
