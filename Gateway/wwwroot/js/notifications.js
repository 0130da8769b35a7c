// Browser notifications, for mentions the user is not looking at. Permission is asked only from
// a click on the page's own button: browsers block or quietly deny prompts that nobody asked for,
// and a denial sticks for the whole site.

const supported = typeof window.Notification === 'function';

/** 'granted', 'denied', 'default' (not asked yet), or 'unsupported'. */
export function notificationPermission() {
  return supported ? Notification.permission : 'unsupported';
}

/** The button offering notifications is there only while the browser would still ask. */
export function renderNotificationButton(button, signedIn) {
  button.hidden = !signedIn || notificationPermission() !== 'default';
}

/** From a click: asks the browser, then hides the button whatever the answer. */
export async function askForNotifications(button) {
  if (notificationPermission() !== 'default') return;
  button.disabled = true;
  try {
    await Notification.requestPermission();
  } catch {
    // Old callback-only implementations, or a browser that refuses: the button stays.
  } finally {
    button.disabled = false;
    renderNotificationButton(button, true);
  }
}

/**
 * Shows a notification if the user allowed them; clicking it brings the page forward and calls
 * onClick. The tag makes the copies of one mention (one per open tab) replace each other.
 * Returns whether one was shown.
 */
export function notify(title, { body, tag, onClick }) {
  if (notificationPermission() !== 'granted') return false;
  try {
    const n = new Notification(title, { body, tag });
    n.addEventListener('click', () => {
      window.focus();
      n.close();
      onClick?.();
    });
    return true;
  } catch {
    // Some mobile browsers allow notifications only from a service worker: the highlight remains.
    return false;
  }
}
