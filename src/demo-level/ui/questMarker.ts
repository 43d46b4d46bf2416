/**
 * The level's in-world Babylon GUI element: a quest marker that follows the windmill on screen, in a fullscreen GUI
 * (a foreground layer). It stays crisp over the painted level because the plugin draws foreground layers after the
 * stylization (its `stylizeLayers` option, false by default); `?stylizeUi=1` paints it with the scene instead.
 */
import type { Scene } from "@babylonjs/core/scene.js";
import { TransformNode } from "@babylonjs/core/Meshes/transformNode.js";
import { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture.js";
import { Rectangle } from "@babylonjs/gui/2D/controls/rectangle.js";
import { TextBlock } from "@babylonjs/gui/2D/controls/textBlock.js";

export function addQuestMarker(scene: Scene, at: readonly [number, number, number]): AdvancedDynamicTexture {
    const ui = AdvancedDynamicTexture.CreateFullscreenUI("quest", true, scene);
    const anchor = new TransformNode("quest anchor", scene);
    anchor.position.set(at[0], at[1] - 3, at[2]); // on the tower: the hub is often at the top of the view
    const tag = new Rectangle("quest marker");
    tag.width = "210px";
    tag.height = "34px";
    tag.cornerRadius = 8;
    tag.thickness = 2;
    tag.color = "#f4d27a";
    tag.background = "rgba(28, 22, 12, 0.85)";
    const text = new TextBlock("quest text", "Quest: reach the windmill");
    text.color = "#fff6dc";
    text.fontSize = 14;
    tag.addControl(text);
    ui.addControl(tag);
    tag.linkWithMesh(anchor);
    return ui;
}
