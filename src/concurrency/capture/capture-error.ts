/** A notebook name a worker cannot get a copy of; raised before any task starts. */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CaptureError";
  }
}
