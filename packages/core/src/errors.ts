/** Where in a file something went wrong (1-based line). */
export interface SourceLocation {
  file: string;
  line?: number;
}

/**
 * An error a user can act on: a stable code for programs, a message for people, and the
 * file (workspace-relative) and line it is about when there is one.
 */
export class PddError extends Error {
  readonly code: string;
  readonly location?: SourceLocation;

  constructor(code: string, message: string, location?: SourceLocation) {
    super(location ? `${formatLocation(location)}: ${message}` : message);
    this.name = 'PddError';
    this.code = code;
    this.location = location;
  }
}

export function formatLocation(location: SourceLocation): string {
  return location.line ? `${location.file}:${location.line}` : location.file;
}
