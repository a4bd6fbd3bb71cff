// XS side of the device module: see ../io.ts.
import { Camera } from '../io';
export default Camera;
