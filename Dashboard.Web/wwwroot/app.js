// Saves a file the server produced (an export) without a round trip.
window.downloadFile = function (name, contentType, base64) {
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    saveBlob(name, new Blob([bytes], { type: contentType }));
};

function saveBlob(name, blob) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Brings a section into view and moves keyboard focus to it (it has tabindex="-1").
window.scrollToId = function (id) {
    const element = document.getElementById(id);
    if (element) {
        element.scrollIntoView({ behavior: "smooth", block: "start" });
        element.focus({ preventScroll: true });
    }
};

// Charts are plain SVG the server drew, with presentation attributes only: the element is the figure. A download
// saves it as a standalone .svg (its own size, no page styles or Blazor comments), or draws that file on a canvas at
// twice its size over white for a .png.
function chartSvg(svg) {
    const clone = svg.cloneNode(true);
    const box = svg.viewBox.baseVal;
    clone.setAttribute("width", box.width);
    clone.setAttribute("height", box.height);
    clone.removeAttribute("style");
    clone.removeAttribute("class");
    const walker = document.createTreeWalker(clone, NodeFilter.SHOW_COMMENT);
    const comments = [];
    while (walker.nextNode()) {
        comments.push(walker.currentNode);
    }
    comments.forEach(c => c.remove());
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

window.exportChart = async function (id, name, format) {
    const svg = document.getElementById(id);
    if (!svg) {
        return;
    }
    const text = chartSvg(svg);
    if (format === "svg") {
        saveBlob(name + ".svg", new Blob([text], { type: "image/svg+xml" }));
        return;
    }
    const box = svg.viewBox.baseVal;
    const scale = 2;
    const image = new Image();
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(box.width * scale);
    canvas.height = Math.round(box.height * scale);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise(resolve => canvas.toBlob(resolve, "image/png"));
    if (blob) {
        saveBlob(name + ".png", blob);
    }
};

document.addEventListener("click", event => {
    const button = event.target instanceof Element ? event.target.closest("[data-chart-export]") : null;
    if (button) {
        window.exportChart(button.dataset.chart, button.dataset.file, button.dataset.chartExport);
    }
});
