// What the caller's jobs cost: their usage over a window and their monthly budget, and what
// a batch of candidates would cost before it is started.
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "./client";
import type { paths } from "./schema";

export type Usage = Schemas["Usage"];
export type Budget = Schemas["Budget"];
export type BatchEstimate = Schemas["BatchEstimate"];
export type UsageWindow = NonNullable<NonNullable<paths["/api/me/usage"]["get"]["parameters"]["query"]>["window"]>;

export const usageKeys = {
  mine: (window: UsageWindow) => ["usage", window] as const,
  estimate: (candidateIds: number[]) => ["usage", "estimate", candidateIds] as const,
};

/** The caller's jobs submitted within `window`, with their budget. */
export function useMyUsage(window: UsageWindow) {
  return useQuery({
    queryKey: usageKeys.mine(window),
    queryFn: ({ signal }) => unwrap(api.GET("/api/me/usage", { params: { query: { window } }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** What one resume each for `candidateIds` would cost, and whether the budget takes it. */
export function useBatchEstimate(candidateIds: number[]) {
  return useQuery({
    queryKey: usageKeys.estimate(candidateIds),
    queryFn: ({ signal }) =>
      unwrap(
        api.POST("/api/batches/estimate", {
          body: { items: candidateIds.map((candidate_id) => ({ candidate_id })) },
          signal,
        }),
      ),
    enabled: candidateIds.length > 0,
  });
}
