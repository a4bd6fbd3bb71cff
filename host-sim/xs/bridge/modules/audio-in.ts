// XS side of the device module: see ../io.ts.
import { AudioIn } from '../io';
export default AudioIn;
