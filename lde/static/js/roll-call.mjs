// The cascade's roll-call, refreshed every five seconds without a reload. Without script the
// page's "Refresh the roll-call" button does the same.
const region = document.getElementById("roll-call");
if (region && region.dataset.rollCallUrl) {
  const refresh = async () => {
    try {
      const response = await fetch(region.dataset.rollCallUrl, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (response.ok) {
        const html = await response.text();
        const parsed = new DOMParser().parseFromString(html, "text/html");
        region.replaceChildren(...parsed.body.childNodes);
      }
    } catch {
      // A failed refresh leaves the roll-call as it was; the next one tries again.
    }
  };
  window.setInterval(refresh, 5000);
}
