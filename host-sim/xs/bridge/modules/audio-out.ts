// XS side of the device module: see ../io.ts.
import { AudioOut } from '../io';
export default AudioOut;
