// Dark mode: the system's choice (prefers-color-scheme, in app.css) until the toggle makes one,
// which this browser remembers in localStorage (a preference: nothing there signs anyone in), for
// every tab at once.

const KEY = 'chat.theme';

function chosen() {
  try {
    const theme = localStorage.getItem(KEY);
    return theme === 'dark' || theme === 'light' ? theme : null;
  } catch {
    return null; // storage refused: the system's choice
  }
}

export function wireTheme(toggle) {
  const systemDark = matchMedia('(prefers-color-scheme: dark)');
  const show = () => {
    const theme = chosen();
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    toggle.setAttribute('aria-pressed', String(theme ? theme === 'dark' : systemDark.matches));
  };
  toggle.addEventListener('click', () => {
    const dark = toggle.getAttribute('aria-pressed') === 'true';
    try { localStorage.setItem(KEY, dark ? 'light' : 'dark'); } catch { /* not remembered, still applied below */ }
    document.documentElement.dataset.theme = dark ? 'light' : 'dark';
    toggle.setAttribute('aria-pressed', String(!dark));
  });
  systemDark.addEventListener('change', show);
  window.addEventListener('storage', (e) => { if (e.key === KEY) show(); });
  show();
}
