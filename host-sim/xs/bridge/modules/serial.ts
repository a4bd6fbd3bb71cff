// XS side of the device module: see ../io.ts.
import { Serial } from '../io';
export default Serial;
