// Imports as server state: upload a file or pasted text, follow each import until it ends,
// list the caller's imports, and save a draft as a candidate (which accepts the import).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type Candidate, type Schemas, unwrap } from "./client";
import { keys } from "./queries";

export type Import = Schemas["Import"];
export type ImportWarning = Schemas["ImportWarning"];

/** The file types an import takes, for the file picker. */
export const ACCEPTED = ".pdf,.docx,.txt,.md,.json,.zip";

export const importKeys = {
  all: ["imports"] as const,
  one: (id: string) => ["imports", id] as const,
};

/** An import's draft as a Candidate, for the form: the fields of one, though the draft
 * need not pass a Candidate's checks yet (the form shows what is missing). */
export function draftOf(item: Import | undefined): Candidate | null {
  return (item?.draft ?? null) as Candidate | null;
}

export function isDone(status: Import["status"] | undefined): boolean {
  return status === "SUCCESS" || status === "FAILURE" || status === "CANCELLED";
}

/** Sends one file (multipart) or pasted text (JSON); the import, PENDING. */
export function useUpload() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (what: File | string) => {
      if (typeof what === "string") {
        return unwrap(api.POST("/api/candidates/imports", { body: { text: what } }));
      }
      const form = new FormData();
      form.append("file", what, what.name);
      return unwrap(
        api.POST("/api/candidates/imports", {
          // The multipart body is the FormData itself, as the browser encodes it.
          body: form as unknown as { file: string },
          bodySerializer: (body) => body as unknown as FormData,
        }),
      );
    },
    onSuccess: (created) => {
      client.setQueryData(importKeys.one(created.import_id), created);
      return client.invalidateQueries({ queryKey: importKeys.all, exact: true });
    },
  });
}

/** One import, read again every half second until it ends. */
export function useImport(id: string) {
  return useQuery({
    queryKey: importKeys.one(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/candidates/imports/{import_id}", { params: { path: { import_id: id } }, signal })),
    refetchInterval: (query) => (isDone(query.state.data?.status) ? false : 500),
  });
}

/** The caller's latest imports (the first page), newest first; read afresh wherever it is
 * shown (which drafts still wait changes as imports end). */
export function useImports() {
  return useQuery({
    queryKey: importKeys.all,
    staleTime: 0,
    queryFn: ({ signal }) => unwrap(api.GET("/api/candidates/imports", { params: { query: { limit: 50 } }, signal })),
  });
}

/** Saves a reviewed draft as a candidate; the import is accepted with it. */
export function useAcceptDraft(importId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (candidate: Candidate) =>
      unwrap(api.POST("/api/candidates", { body: { ...candidate, import_id: importId } })),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: keys.candidates, exact: true }),
        client.invalidateQueries({ queryKey: importKeys.all }),
      ]),
  });
}
