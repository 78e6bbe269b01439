// The facility map (/registry/map/) and the small map on a facility's page.
// Leaflet draws everything on canvas (preferCanvas, circle markers, no plugins). Nothing comes from the internet:
// boundaries and points are rasd's own GeoJSON; a basemap is drawn only when a tile server is configured.
// Texts come from data- attributes (translated by the template); status colours from rasd.css.
(() => {
  "use strict";
  if (typeof L === "undefined") return;

  const IRAQ = { center: [33.2, 43.7], zoom: 6 };
  const colours = new Map();

  // The colour of a status, as rasd.css defines it for the badges and the legend.
  const statusColour = (status) => {
    if (!colours.has(status)) {
      const probe = document.createElement("span");
      probe.className = `rasd-status-${status}`;
      probe.hidden = true;
      document.body.append(probe);
      colours.set(status, getComputedStyle(probe).getPropertyValue("--rasd-status-color").trim() || "#555");
      probe.remove();
    }
    return colours.get(status);
  };

  const getJSON = async (url) => {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } });
    if (!response.ok) throw new Error(`${response.status} ${url}`);
    return response.json();
  };

  const createMap = (container, options = {}) => {
    const map = L.map(container, { preferCanvas: true, zoomControl: false, ...options });
    L.control
      .zoom({ zoomInTitle: container.dataset.zoomIn || "+", zoomOutTitle: container.dataset.zoomOut || "−" })
      .addTo(map);
    map.attributionControl.setPrefix("Leaflet");
    // Boundaries get a pane of their own, under the points (overlayPane is 400), above any basemap (200).
    map.createPane("boundaries").style.zIndex = "350";
    const { tileUrl, tileAttribution } = container.dataset;
    if (tileUrl) L.tileLayer(tileUrl, { attribution: tileAttribution || "", maxZoom: 19 }).addTo(map);
    return map;
  };

  const boundaryLayer = (data, style) =>
    L.geoJSON(data, { pane: "boundaries", interactive: false, style: () => style, attribution: data.attribution });

  const point = (latitude, longitude, status, radius) =>
    L.circleMarker([latitude, longitude], {
      radius,
      weight: 1,
      color: "#1f2a30",
      fillColor: statusColour(status),
      fillOpacity: 0.9,
    });

  const showError = (container) => {
    container.dataset.state = "error";
    const alert = document.createElement("div");
    alert.className = "alert alert-warning m-2";
    alert.setAttribute("role", "alert");
    alert.textContent = container.dataset.errorText || "Error";
    container.before(alert);
  };

  // The whole map: governorates and districts under every located facility that matches the filters.
  const facilityMap = (container) => {
    const map = createMap(container).setView(IRAQ.center, IRAQ.zoom);
    const points = L.featureGroup().addTo(map);
    const form = document.querySelector("[data-map-filters]");
    const count = document.querySelector("[data-map-count]");
    const listLink = document.querySelector("[data-map-list-link]");
    const statusLabels = new Map(
      [...document.querySelectorAll("[data-map-legend] [data-status]")].map((item) => [
        item.dataset.status,
        item.textContent.trim(),
      ]),
    );
    const pageDirection = document.documentElement.dir || "ltr";

    const popup = (facility) => {
      const box = document.createElement("div");
      box.dir = pageDirection;
      const title = document.createElement("strong");
      title.textContent = facility.name;
      title.dir = "auto";
      const code = document.createElement("div");
      code.className = "rasd-ltr text-body-secondary";
      code.textContent = facility.code;
      const about = document.createElement("div");
      about.textContent = `${facility.type} · ${statusLabels.get(facility.status) || facility.status}`;
      const link = document.createElement("a");
      link.href = facility.url;
      link.textContent = container.dataset.linkText || facility.code;
      box.append(title, code, about, link);
      return box;
    };

    const query = () => {
      const params = new URLSearchParams();
      if (form) for (const [name, value] of new FormData(form)) if (value) params.append(name, value);
      return params.toString();
    };

    // The country's box, once its boundaries are drawn: the view never zooms out to a point placed at sea or
    // with latitude and longitude swapped (those belong on the data-quality page, not in the frame).
    const loadBoundaries = async () => {
      const base = container.dataset.boundariesUrl;
      const [governorates, districts] = await Promise.all([getJSON(`${base}?level=1`), getJSON(`${base}?level=2`)]);
      boundaryLayer(districts, { color: "#8796a0", weight: 0.7, fill: false }).addTo(map);
      const layer = boundaryLayer(governorates, { color: "#3d4f5a", weight: 1.5, fillColor: "#fff", fillOpacity: 0.6 });
      layer.addTo(map);
      container.dataset.areas = String(governorates.features.length + districts.features.length);
      return governorates.features.length ? layer.getBounds() : null;
    };
    const country = loadBoundaries();

    let request = 0;
    const loadPoints = async () => {
      const current = ++request;
      const search = query();
      const data = await getJSON(`${container.dataset.pointsUrl}${search ? `?${search}` : ""}`);
      const box = await country.catch(() => null);
      if (current !== request) return; // a newer filter is on its way
      points.clearLayers();
      const framed = [];
      for (const feature of data.features) {
        const [longitude, latitude] = feature.geometry.coordinates;
        const facility = feature.properties;
        point(latitude, longitude, facility.status, 5).bindPopup(() => popup(facility)).addTo(points);
        if (!box || box.contains([latitude, longitude])) framed.push([latitude, longitude]);
      }
      container.dataset.points = String(data.features.length);
      if (count) count.textContent = String(data.features.length);
      if (framed.length) map.fitBounds(L.latLngBounds(framed), { padding: [24, 24], maxZoom: 12 });
      else if (box) map.fitBounds(box);
      window.history.replaceState(null, "", `${window.location.pathname}${search ? `?${search}` : ""}`);
      if (listLink) listLink.search = search;
    };

    const refresh = () => loadPoints().catch(() => showError(container));
    let typing = 0;
    if (form) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        refresh();
      });
      form.addEventListener("change", refresh);
      form.addEventListener("input", (event) => {
        if (event.target.tagName !== "INPUT") return;
        window.clearTimeout(typing);
        typing = window.setTimeout(refresh, 300);
      });
    }
    Promise.all([country, loadPoints()])
      .then(() => {
        container.dataset.state = "ready";
      })
      .catch(() => showError(container));
  };

  // A facility's page: its point and the outline of its district.
  const smallMap = (container) => {
    const { latitude, longitude, status, outlineUrl } = container.dataset;
    const map = createMap(container, { scrollWheelZoom: false }).setView(IRAQ.center, IRAQ.zoom);
    const located = latitude !== undefined && longitude !== undefined;
    if (located) map.setView([Number(latitude), Number(longitude)], 11);
    const drawn = [];
    if (outlineUrl) {
      drawn.push(
        getJSON(outlineUrl).then((data) => {
          const outline = boundaryLayer(data, { color: "#3d4f5a", weight: 1.5, fillColor: "#fff", fillOpacity: 0.5 });
          outline.addTo(map);
          if (data.features.length) map.fitBounds(outline.getBounds(), { padding: [12, 12] });
        }),
      );
    }
    Promise.all(drawn)
      .then(() => {
        if (located) {
          const marker = point(Number(latitude), Number(longitude), status, 7).addTo(map);
          if (!map.getBounds().contains(marker.getLatLng())) map.setView(marker.getLatLng(), 11);
        }
        container.dataset.state = "ready";
      })
      .catch(() => showError(container));
  };

  for (const container of document.querySelectorAll("[data-points-url]")) facilityMap(container);
  for (const container of document.querySelectorAll("[data-facility-map]")) smallMap(container);
})();
