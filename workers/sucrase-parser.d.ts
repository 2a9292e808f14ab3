// Sucrase ships its parser's ES modules without type declarations beside them; its types live
// under dist/types. These modules expose the statement-level parser that cell-compiler.ts uses.
declare module 'sucrase/dist/esm/parser/traverser/base' {
  export * from 'sucrase/dist/types/parser/traverser/base';
}
declare module 'sucrase/dist/esm/parser/traverser/statement' {
  export * from 'sucrase/dist/types/parser/traverser/statement';
}
declare module 'sucrase/dist/esm/parser/tokenizer/index' {
  export * from 'sucrase/dist/types/parser/tokenizer/index';
}
declare module 'sucrase/dist/esm/parser/tokenizer/types' {
  export * from 'sucrase/dist/types/parser/tokenizer/types';
}
declare module 'sucrase/dist/esm/parser/tokenizer/keywords' {
  export * from 'sucrase/dist/types/parser/tokenizer/keywords';
}
