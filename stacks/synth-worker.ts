/** Worker thread of stacks/synthesize.ts: synthesizes one shard of plans. */
import "./runtime.ts";
import { parentPort, workerData } from "node:worker_threads";
import { synthesizeHere, type WorkerInput } from "./synthesize.ts";

parentPort!.postMessage(synthesizeHere(workerData as WorkerInput));
