// The round progress page: the completeness bars, and the map of the expected facilities in scope, green when
// visited (a record received), red when not, over the boundaries shipped with rasd. A file of its own because the
// CSP allows scripts from 'self' only.
(() => {
  "use strict";
  // Completeness bars: the CSP refuses style attributes, so the widths are set here (CSSOM is allowed).
  // Bootstrap's .progress is a flex box, so in right-to-left pages the bar grows from the right.
  for (const bar of document.querySelectorAll("[data-progress-width]")) {
    bar.style.width = `${Number(bar.dataset.progressWidth) || 0}%`;
  }
  if (typeof L === "undefined") return;
  const container = document.getElementById("progress-map");
  if (!container) return;

  const getJSON = async (url) => {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } });
    if (!response.ok) throw new Error(`${response.status} ${url}`);
    return response.json();
  };

  const map = L.map(container, { preferCanvas: true, zoomControl: false }).setView([33.2, 43.7], 6);
  L.control
    .zoom({ zoomInTitle: container.dataset.zoomIn || "+", zoomOutTitle: container.dataset.zoomOut || "−" })
    .addTo(map);
  map.attributionControl.setPrefix("Leaflet");
  map.createPane("boundaries").style.zIndex = "350";
  const { tileUrl, tileAttribution } = container.dataset;
  if (tileUrl) L.tileLayer(tileUrl, { attribution: tileAttribution || "", maxZoom: 19 }).addTo(map);

  const labels = { true: container.dataset.visitedText, false: container.dataset.notVisitedText };
  const popup = (facility) => {
    const box = document.createElement("div");
    box.dir = document.documentElement.dir || "ltr";
    const title = document.createElement("strong");
    title.textContent = facility.name;
    title.dir = "auto";
    const code = document.createElement("div");
    code.className = "rasd-ltr text-body-secondary";
    code.textContent = facility.code;
    const state = document.createElement("div");
    state.textContent = labels[facility.visited] || "";
    box.append(title, code, state);
    return box;
  };

  const showError = () => {
    container.dataset.state = "error";
    const alert = document.createElement("div");
    alert.className = "alert alert-warning m-2";
    alert.setAttribute("role", "alert");
    alert.textContent = container.dataset.errorText || "Error";
    container.before(alert);
  };

  // Boundaries are a backdrop only: without them (or without the right to read them) the points still show.
  getJSON(`${container.dataset.boundariesUrl}?level=1`)
    .then((data) =>
      L.geoJSON(data, {
        pane: "boundaries",
        interactive: false,
        style: () => ({ color: "#3d4f5a", weight: 1.5, fillColor: "#fff", fillOpacity: 0.6 }),
      }).addTo(map),
    )
    .catch(() => null);

  getJSON(container.dataset.pointsUrl)
    .then((data) => {
      const framed = [];
      for (const feature of data.features) {
        const [longitude, latitude] = feature.geometry.coordinates;
        const facility = feature.properties;
        L.circleMarker([latitude, longitude], {
          radius: 5,
          weight: 1,
          color: "#1f2a30",
          fillColor: facility.visited ? "#198754" : "#dc3545",
          fillOpacity: 0.9,
        })
          .bindPopup(() => popup(facility))
          .addTo(map);
        framed.push([latitude, longitude]);
      }
      container.dataset.points = String(data.features.length);
      if (framed.length) map.fitBounds(L.latLngBounds(framed), { padding: [24, 24], maxZoom: 12 });
    })
    .catch(showError);
})();
