// The projector's requests to the kernel and the replies it waits for. A Board's
// model carries the board's own messages and the replies to other views too, so a
// reply counts only when its `request` number is the one this view is waiting for,
// per kind of request (a newer request of a kind makes the older one's replies moot).
import type { EmbeddingMessage, NeighborsMessage, ProjectionMessage, ProjectorErrorMessage, ProjectorRequest } from "../protocol";

export type RequestKind = "embedding" | "project" | "neighbors";

// request numbers: unique across the views of a page (random start: other pages too)
let nextRequest = Math.floor(Math.random() * 1e6) * 1000;

/** What a view does with the replies it was waiting for. */
export interface ReplyHandlers {
  embedding(msg: EmbeddingMessage): void;
  projection(msg: ProjectionMessage): void;
  neighbors(msg: NeighborsMessage): void;
  /** `kind`: the request that failed, null when the kernel could not say */
  error(msg: ProjectorErrorMessage, kind: RequestKind | null): void;
}

export class Requests {
  private pending: Record<RequestKind, number> = { embedding: -1, project: -1, neighbors: -1 };

  constructor(private sender: (req: ProjectorRequest) => void) {}

  /** Sends a new request of `kind` (made with its number), the one now waited for. */
  ask(kind: RequestKind, make: (request: number) => ProjectorRequest): number {
    const request = nextRequest++;
    this.pending[kind] = request;
    this.sender(make(request));
    return request;
  }

  /** Sends a message about a request already made (pause, stop...). */
  send(req: ProjectorRequest): void {
    this.sender(req);
  }

  /** The number of the request of `kind` waited for, -1 when none. */
  waiting(kind: RequestKind): number {
    return this.pending[kind];
  }

  /** No more waiting for a reply of `kind`. */
  done(kind: RequestKind): void {
    this.pending[kind] = -1;
  }

  /** Hands a message to the handler of its kind if it answers a request waited for. */
  route(msg: unknown, handlers: ReplyHandlers): void {
    const m = msg as { type?: string; request?: number | null };
    if (!m || typeof m !== "object") return;
    switch (m.type) {
      case "embedding":
        if (m.request === this.pending.embedding) handlers.embedding(msg as EmbeddingMessage);
        break;
      case "projection":
        if (m.request === this.pending.project) handlers.projection(msg as ProjectionMessage);
        break;
      case "neighbors":
        if (m.request === this.pending.neighbors) handlers.neighbors(msg as NeighborsMessage);
        break;
      case "projector_error": {
        const e = msg as ProjectorErrorMessage;
        if (e.request === null || e.request === undefined) {
          handlers.error(e, null);
          break;
        }
        const kind = (Object.keys(this.pending) as RequestKind[]).find((k) => this.pending[k] === e.request);
        if (kind) handlers.error(e, kind);
        break;
      }
      default:
        break; // the board's own messages
    }
  }
}
