/** The pipeline's state as it can be read, and what it asks of its owner. */
import type { InternalTexture } from "@babylonjs/core/Materials/Textures/internalTexture.js";
import type { GuideMaps } from "../capture/frameCapture.js";
import type { PreprocessParams } from "../contract/preprocessConfig.js";
import { sameMapping, type FrameMapping } from "../contract/frameMapping.js";
import type { StylizationError } from "../errors.js";
import type { FrameStylizedEvent } from "./frameStats.js";

/** What the pipeline is doing: the furthest stage in flight ("reading" also while a read-back frame waits). */
export type PipelinePhase = "idle" | "captured" | "reading" | "inferring" | "stopped" | "disposed";

/** A snapshot of the pipeline's state (`stylization.pipelineState`). */
export interface PipelineState {
    phase: PipelinePhase;
    /** Whether the next rendered frame may be captured: a session, enabled, not frozen, not held. */
    capturing: boolean;
    /** Holds taken by work that needs the session between frames (diagnosis, still images). */
    holds: number;
    /**
     * The work in flight. On the readback path the lanes overlap: a frame reads back (and then waits, `ready`) while
     * the previous one is in inference.
     */
    inFlight: { reading: boolean; ready: boolean; inferring: boolean };
    /** A result arrived and is presented on the next rendered frame. */
    resultPending: boolean;
    /** The composite has a stylized image to show. */
    resultShown: boolean;
}

/** The inference size and the contract; the pipeline re-applies them between inferences when they change. */
export interface FrameShape {
    width: number;
    height: number;
    /** Compared by identity: give the same object while the contract is unchanged. */
    params: PreprocessParams;
    /** How the captured frame is displayed (linear light before Babylon's image processing), compared by value. */
    mapping: FrameMapping;
}

export function sameShape(a: FrameShape, b: FrameShape): boolean {
    return a.width === b.width && a.height === b.height && a.params === b.params && sameMapping(a.mapping, b.mapping);
}

export interface FramePipelineOptions {
    /** The frame to capture this frame (the composite post process's input), or null when there is none yet. */
    getFrame: () => InternalTexture | null;
    /** This frame's maps a model's guides come from; undefined while they are not rendered. */
    getGuideMaps: () => GuideMaps | undefined;
    /** The shape wanted now. */
    getShape: () => FrameShape;
    /** A frame was captured (in `onAfterRender` of engine frame `frameId`): the moment to keep what goes with it. */
    onCapture?: (frameId: number) => void;
    onResult: (event: FrameStylizedEvent) => void;
    onError: (error: StylizationError) => void;
}
