// Progressive enhancement of a typed filter (templates/coordination/_table.html `typed_choice`).
// Without JavaScript the field is a search box whose text the server matches. With it, the
// names that contain what is typed are offered in the field's <datalist> as one types, asked of
// the address in its data-suggest attribute; an answer that arrives after a later one is dropped.
(() => {
  for (const input of document.querySelectorAll("input[data-suggest]")) {
    const names = document.getElementById(input.getAttribute("list"));
    if (!names || input.dataset.suggesting) continue;
    input.dataset.suggesting = "yes";
    let timer = 0;
    let asked = 0;
    const ask = async () => {
      const mine = ++asked;
      const url = new URL(input.dataset.suggest, window.location.href);
      url.searchParams.set("q", input.value);
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok || mine !== asked) return;
        const found = await response.json();
        if (mine !== asked) return;
        names.replaceChildren(
          ...found.names.map((name) => {
            const option = document.createElement("option");
            option.value = name;
            return option;
          }),
        );
      } catch {
        // Offline or signed out: the field still filters by what is typed.
      }
    };
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
    input.addEventListener("focus", ask, { once: true });
  }
})();
