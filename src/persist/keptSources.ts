import type { Source } from '../state/session.svelte';

/**
 * Which sources the data cache already holds, recognised by what does not change when the session
 * stores a source in its reactive state: Svelte wraps the source object in a proxy (so the object
 * itself cannot be the key), but not the File objects inside it, nor a sample's name or a URL.
 */
export class KeptSources {
  private readonly files = new WeakSet<File>();
  private readonly names = new Set<string>();
  /** The public address a restored file was first fetched from, by its first File. */
  private readonly urls = new WeakMap<File, string>();

  add(source: Source): void {
    if (source.kind === 'files') for (const f of source.files) this.files.add(f);
    else this.names.add(nameOf(source));
  }

  has(source: Source): boolean {
    if (source.kind === 'files')
      return source.files.length > 0 && source.files.every((f) => this.files.has(f));
    return this.names.has(nameOf(source));
  }

  setUrl(source: Source, url: string): void {
    const first = source.kind === 'files' ? source.files[0] : undefined;
    if (first) this.urls.set(first, url);
  }

  url(source: Source): string | undefined {
    if (source.kind === 'url') return source.url;
    const first = source.kind === 'files' ? source.files[0] : undefined;
    return first ? this.urls.get(first) : undefined;
  }
}

function nameOf(source: Exclude<Source, { kind: 'files' }>): string {
  return source.kind === 'sample' ? `sample:${source.sample.name}` : `url:${source.url}`;
}
