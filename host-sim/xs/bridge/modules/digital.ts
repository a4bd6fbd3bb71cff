// XS side of the device module: see ../io.ts.
import { Digital } from '../io';
export default Digital;
