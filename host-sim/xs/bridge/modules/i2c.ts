// XS side of the device module: see ../io.ts.
import { I2C } from '../io';
export default I2C;
