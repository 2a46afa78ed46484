/**
 * A synchronous hint that this browser keeps the analyst's own data (not a built-in sample): the
 * page then skips the sample's first screen computed in advance, which would flash up before the
 * kept data (read asynchronously from IndexedDB) is back. Only a hint: losing it costs a flash.
 */
const KEY = 'valuemap:own-data';

export function markOwnData(kept: boolean): void {
  try {
    if (kept) localStorage.setItem(KEY, '1');
    else localStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode, quota): the hint is simply absent.
  }
}

export function hasOwnData(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}
