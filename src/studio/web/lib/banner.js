// @ts-check
/** The shell's error banner: one message at a time, dismissed by the next page. */

/**
 * Shows an error in the banner.
 *
 * @example
 * showError('filter: expected a value at column 14');
 * @param {string} message
 */
export function showError(message) {
  const banner = document.getElementById('banner');
  if (banner === null) return;
  banner.textContent = message;
  banner.hidden = false;
}

/**
 * Hides the banner.
 *
 * @example
 * clearError();
 */
export function clearError() {
  const banner = document.getElementById('banner');
  if (banner === null) return;
  banner.textContent = '';
  banner.hidden = true;
}
