// Side-effect entry: importing this file adds the stylization methods to Scene.
import { RegisterStylizationSceneComponent } from "./stylizationSceneComponent.pure.js";

RegisterStylizationSceneComponent();
