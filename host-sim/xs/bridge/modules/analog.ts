// XS side of the device module: see ../io.ts.
import { Analog } from '../io';
export default Analog;
