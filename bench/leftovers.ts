import { rmSync } from "fs";

/**
 * Temporary folders (connection files) that must not outlive the bench. Normal runs remove their
 * own; this is for the overall time limit, which exits without waiting for anything.
 */
const folders = new Set<string>();

export function keepTrackOf(folder: string): void {
  folders.add(folder);
}

export function forget(folder: string): void {
  folders.delete(folder);
}

export function removeLeftovers(): void {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}
