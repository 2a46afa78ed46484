/** Hands a file to the browser's download, named as given. */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `orders.csv` → `orders`: the stem exports are named after. */
export function fileStem(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}
