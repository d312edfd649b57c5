// asl-validator ships no type declarations; this covers what the local runner and the tests use.
declare module 'asl-validator' {
  interface AslValidationError {
    readonly 'Error code': string;
    readonly Message: string;
  }
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly AslValidationError[];
    errorsText(separator?: string): string;
  }
  interface AslValidatorOptions {
    /** Checks `Resource` values are ARNs. @default true */
    readonly checkArn?: boolean;
    /** Checks the syntax of JSONPath fields. @default true */
    readonly checkPaths?: boolean;
  }
  export default function aslValidator(
    definition: unknown,
    options?: AslValidatorOptions,
  ): AslValidationResult;
}
