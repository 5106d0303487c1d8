// Sessions as the store holds them, for the HParams tests.
import type { Session } from "../src/store";

export function session(run: string, hp: Record<string, boolean | number | string | null>, metrics: Record<string, number>, extra: Partial<Session> = {}): Session {
  return {
    run,
    tag: "",
    parent: run,
    name: run,
    groupName: "",
    status: "success",
    startTime: 1_700_000_000,
    endTime: null,
    experiment: "",
    hparams: new Map(Object.entries(hp)),
    metrics: new Map(Object.entries(metrics)),
    notes: [],
    version: 1,
    ...extra,
  };
}
