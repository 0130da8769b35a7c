// The devices panel: where the user is signed in (GET /api/auth/sessions), and signing one of
// them out (DELETE /api/auth/sessions/{id}); signing out this device is signing out here.

import { ui, make, button, showError, formatTime } from './ui.js';
import { authedApi, signOut } from './auth.js';

async function showDevices() {
  showError(ui.devicesError, '');
  try {
    const devices = await authedApi('/api/auth/sessions');
    ui.devices.replaceChildren(...devices.map((d) => {
      const li = make('li', 'device');
      li.dataset.device = d.id;
      li.append(make('span', 'device-name', d.userAgent + (d.current ? ' (this device)' : '')));
      li.append(make('span', 'device-used', `last used ${formatTime(d.lastUsed)}, signed in ${formatTime(d.created)}`));
      const out = button('device-signout', 'Sign out', `Sign out ${d.current ? 'this device' : d.userAgent}`);
      out.dataset.current = String(Boolean(d.current));
      li.append(out);
      return li;
    }));
  } catch (err) {
    showError(ui.devicesError, `Could not list your devices: ${err.message}`);
  }
}

async function signOutDevice(id, current) {
  try {
    await authedApi(`/api/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
  } catch (err) {
    showError(ui.devicesError, `Could not sign that device out: ${err.message}`);
    return;
  }
  if (current) signOut('You signed this device out.');
  else showDevices();
}

export function wireDevices() {
  ui.toggleDevices.addEventListener('click', () => {
    const open = ui.devicesPanel.hidden;
    ui.devicesPanel.hidden = !open;
    ui.toggleDevices.setAttribute('aria-expanded', String(open));
    if (open) showDevices();
  });
  ui.devices.addEventListener('click', (e) => {
    const b = e.target.closest('button.device-signout');
    const li = e.target.closest('li[data-device]');
    if (b && li) signOutDevice(li.dataset.device, b.dataset.current === 'true');
  });
}
