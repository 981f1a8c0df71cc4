// The same check for an ES-module consumer (the `import` condition: dist/index.d.mts).
import ran, { ESN, Model, ErrorCodes, type ESNOptions } from 'recurrent-attention';

const options: ESNOptions = { inputDim: 1, units: 20 };
const esn: ESN = new ESN(options);
const model = new Model({ kind: 'esn', options });
const code: 'ERR_RAN_NATIVE_LOAD' = ErrorCodes.NATIVE_LOAD;
const viaDefault: typeof ESN = ran.ESN;
void [esn, model, code, viaDefault];
