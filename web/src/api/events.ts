// Server-Sent Events over fetch (EventSource cannot send the Authorization header),
// parsed by eventsource-parser: one reader for every stream the API has.
import { EventSourceParserStream } from "eventsource-parser/stream";

import { networkError, toApiError } from "./client";

interface StreamResult {
  data?: ReadableStream | null;
  error?: unknown;
  response: Response;
}

/**
 * Reads the stream `call` opens until it ends (resolves) or fails (rejects with an
 * ApiError, also for an `error` event), calling `onEvent` with each event's name and data.
 */
export async function readEvents(call: Promise<StreamResult>, onEvent: (name: string, data: unknown) => void): Promise<void> {
  let result: StreamResult;
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  const { response, data } = result;
  if (!response.ok || !data) throw toApiError(response, result.error ?? null);
  const reader = data
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    const parsed: unknown = JSON.parse(value.data);
    if (value.event === "error") throw toApiError(new Response(null, { status: 500 }), parsed);
    onEvent(value.event ?? "message", parsed);
  }
}
