(width) => {
  const out = [];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let clipped = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') { clipped = true; break; }
    }
    if (clipped || el.querySelector('*') && [...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    const id = el.id ? '#' + el.id : '';
    const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    out.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)} "${(el.textContent || '').trim().slice(0, 40)}"`);
  }
  return out.slice(0, 8);
}
