// Progressive enhancement of the time-zone field (templates/account/profile.html). Without
// JavaScript it is one <select> of every zone, grouped by country (an <optgroup> each), and works
// alone. With it: a search box, a list of the countries that match, and in the original <select>
// (still the field that is sent) only the chosen country's cities. Its data-* attributes carry
// the words, translated by the server. Every control is native and labelled, so the keyboard
// and screen readers work as usual.
(() => {
  const zones = document.querySelector("select[data-timezone-picker]");
  if (!zones) return;

  // "Zürich" is found by "zurich", "Côte" by "cote".
  const fold = (text) =>
    text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
  const countries = Array.from(zones.querySelectorAll("optgroup"), (group) => ({
    name: group.label,
    key: fold(group.label),
    cities: Array.from(group.querySelectorAll("option"), (option) => ({
      option,
      key: fold(option.textContent),
    })),
  }));
  if (!countries.length) return;

  const labelled = (id, text, control) => {
    const wrapper = document.createElement("div");
    wrapper.className = "field";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = text;
    control.id = id;
    wrapper.append(label, control);
    return wrapper;
  };
  const search = document.createElement("input");
  search.type = "search";
  search.autocomplete = "off";
  search.maxLength = 100;
  const country = document.createElement("select");
  const status = document.createElement("p");
  status.className = "hint";
  status.setAttribute("role", "status");
  const searchField = labelled(`${zones.id}-search`, zones.dataset.searchLabel, search);
  searchField.append(status);
  const field = zones.closest(".field") || zones.parentElement;
  field.before(searchField, labelled(`${zones.id}-country`, zones.dataset.countryLabel, country));
  const zonesLabel = field.querySelector(`label[for="${zones.id}"]`);
  if (zonesLabel) zonesLabel.textContent = zones.dataset.cityLabel;

  let shown = []; // the countries that match the search, in the country list's order
  const holds = (entry, zone) => entry.cities.some((city) => city.option.value === zone);

  // The chosen country's cities; when the search names a city rather than the country, only
  // the cities it names. `keep` stays chosen if it is among them.
  const showCities = (keep) => {
    const entry = shown[Number(country.value)];
    const query = fold(search.value);
    let cities = entry ? entry.cities : [];
    if (query && entry && !entry.key.includes(query)) {
      cities = cities.filter((city) => city.key.includes(query));
    }
    zones.replaceChildren(...cities.map((city) => city.option));
    if (cities.some((city) => city.option.value === keep)) zones.value = keep;
    else if (cities.length) zones.selectedIndex = 0;
    zones.disabled = !cities.length;
  };

  const showCountries = () => {
    const keep = zones.value;
    const before = shown[Number(country.value)];
    const query = fold(search.value);
    shown = countries.filter(
      (entry) => !query || entry.key.includes(query) || entry.cities.some((c) => c.key.includes(query)),
    );
    country.replaceChildren(...shown.map((entry, index) => new Option(entry.name, String(index))));
    // The country chosen before if it still matches, else the one of the chosen zone, else the first.
    let index = shown.indexOf(before);
    if (index < 0) index = shown.findIndex((entry) => holds(entry, keep));
    if (index < 0 && shown.length) index = 0;
    if (index >= 0) country.value = String(index);
    country.disabled = !shown.length;
    status.textContent = shown.length ? "" : zones.dataset.noneLabel;
    showCities(keep);
  };

  search.addEventListener("input", showCountries);
  // Enter in the search box must not send the whole profile form.
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
  country.addEventListener("change", () => showCities(null));
  showCountries();
})();
