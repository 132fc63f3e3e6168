/**
 * The public API, entry point by entry point: exactly these names (values and
 * types), each with TSDoc at its declaration, nothing re-exported wholesale,
 * no test seams. Adding an export means adding it here, on purpose.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

const ENTRY_POINTS: Record<string, { file: string; names: string[] }> = {
  vintent: {
    file: 'src/index.ts',
    names: [
      // AP2 v0.2
      'AP2_V0_2',
      'ap2ErrorOf',
      'Ap2ErrorCode',
      'Ap2Role',
      'ap2Cnf',
      'issueAp2Root',
      'issueAp2Hop',
      'issueAp2Receipt',
      'createAp2CheckoutJwt',
      'presentAp2',
      'presentAp2ForDispute',
      'presentAp2ToCredentialProvider',
      'presentAp2ToMerchant',
      'presentAp2ToNetwork',
      'presentAp2ToPaymentProcessor',
      'Ap2Chains',
      'Ap2PresentationBundle',
      'Ap2PresentOptions',
      'Ap2CheckoutLine',
      'CreateAp2CheckoutInput',
      'issueAp2UserCredential',
      'IssueAp2UserCredentialInput',
      'joinAp2Chain',
      'presentAp2Segment',
      'IssueAp2RootInput',
      'IssueAp2HopInput',
      'IssueAp2ReceiptInput',
      'verifyAp2Presentation',
      'Ap2VerifyOptions',
      'Ap2VerificationResult',
      'Ap2ChainResult',
      'Ap2Expectation',
      'Ap2MandateContext',
      // verification
      'verifyPresentation',
      'parseBundleText',
      'BundleTextResult',
      'VerifyOptions',
      'VerificationResult',
      'KeyResolver',
      'VerifyLimits',
      'CheckRecord',
      'CheckStatus',
      'PairResult',
      'MandateView',
      'LayerClaims',
      'DEFAULT_VERIFY_LIMITS',
      // errors
      'VIError',
      'ERROR_CODES',
      'isErrorCode',
      'ErrorCode',
      'Layer',
      'VIErrorInfo',
      // wire profile and bundle
      'PROFILE',
      'REGISTERED_CONSTRAINT_TYPES',
      'CURRENCY_EXPONENT',
      'isIsoCurrency',
      'classifyVct',
      'Mode',
      'MandateKind',
      'ConstraintTypeName',
      'bundleSchema',
      'Bundle',
      'BundleL3Entry',
      'Trust',
      'Role',
      'JwkSet',
      'Expectation',
      // issuance
      'toMinorUnits',
      'fromMinorUnits',
      'currencyExponent',
      'createCheckoutJwt',
      'readCheckoutJwt',
      'issueL1',
      'issueL2Immediate',
      'issueL2Autonomous',
      'readL2',
      'asIssuedL2',
      'issueL3Pair',
      'CreateCheckoutInput',
      'CheckoutItemInput',
      'CheckoutPayload',
      'CartItem',
      'CreatedCheckout',
      'IssueL1Input',
      'IssueL2ImmediateInput',
      'ImmediatePairInput',
      'IssueL2AutonomousInput',
      'AutonomousPairInput',
      'LineItemInput',
      'AcceptableItemInput',
      'AmountRangeInput',
      'IssuedL2',
      'IssuedL2Immediate',
      'IssuedL2Autonomous',
      'IssuedImmediatePair',
      'IssuedAutonomousPair',
      'BuiltDisclosure',
      'IssueL3PairInput',
      'IssuedL3Pair',
      'L3LineItemInput',
      'PartyInput',
      'PaymentInstrument',
      // presentation
      'issueRevocation',
      'l2ContentId',
      'REVOCATION_TYP',
      'IssueRevocationInput',
      'IssuerStatusList',
      'IssuerStatusListInput',
      'StatusListPublishOptions',
      'statusClaim',
      'StatusName',
      'presentToMerchant',
      'presentToNetwork',
      'presentForDispute',
      'DisputePresentationInput',
      'PresentOptions',
      'PairPresentationInput',
      // keys
      'generateSigningKey',
      'signingKeyFromJwk',
      'exportPrivateJwk',
      'jwkThumbprint',
      'PublicKeyCache',
      'sharedKeyCache',
      'SigningKey',
      'PublicJwk',
      // caches for recurring credentials (opt-in; vintent serve turns them on)
      'ParsedJwtCache',
      'DEFAULT_PARSE_CACHE_SIZE',
      'ParseCacheStats',
      'VerifiedSignatureCache',
      'DEFAULT_SIGNATURE_CACHE_SIZE',
      'SignatureCacheStats',
      // constraints
      'constraintRegistryFor',
      'createCheckoutJwtAsync',
      'issueL2AutonomousAsync',
      'issueL2ImmediateAsync',
      'L2_LAYOUTS',
      'L2Layout',
      'issueL3PairAsync',
      'issueRevocationAsync',
      'derToRawEs256',
      'webCryptoSigner',
      'generateWebCryptoSigner',
      'WebCryptoSigner',
      'CRYPTO_PLATFORM',
      'RemoteSigner',
      'Signer',
      'SyncRemoteSigner',
      'SyncSigner',
      'Violation',
      'CHECK_NAMES',
      'CheckName',
      'isCheckName',
      'DEFAULT_PROFILE',
      'PROFILES',
      'ProfileName',
      'profileOf',
      'VI_2026_02',
      'VI_2026_04',
      'WireProfile',
      'VIErrorOptions',
      'checkConstraints',
      'constraintShapeViolations',
      'ConstraintType',
      'Fulfillment',
      'ConstraintOutcome',
      'Strictness',
      // ledger types (the ledger itself is vintent/ledger)
      'Ledger',
      'AuthorizationRequest',
      'Decision',
      'AuditEvent',
      'RevocationRecord',
      'RevocationResult',
      'MerchantPresentation',
      'MerchantMemoryResult',
    ],
  },
  'vintent/ledger': {
    file: 'src/ledger/index.ts',
    names: [
      'openLedger',
      'OpenLedgerOptions',
      'parseLedgerSpec',
      'redactLedgerSpec',
      'LedgerSpec',
      'openSqliteLedger',
      'openPostgresLedger',
      'PostgresLedgerOptions',
      'authorizationRequestFrom',
      'checkRevocation',
      'RevocationInput',
      'RevocationCheckOptions',
      'MISSING_LEDGER',
      'isMissingLedger',
      'AgentRecurrenceTerms',
      'AgentReuseTerms',
      'MandateUsage',
      'AuditEvent',
      'AuthorizationRecord',
      'AuthorizationRequest',
      'AuthorizationState',
      'BudgetTerms',
      'CaptureRequest',
      'CaptureResult',
      'Decision',
      'Ledger',
      'MerchantMemoryResult',
      'MerchantPresentation',
      'RecurrenceTerms',
      'ReversalResult',
      'RevocationRecord',
      'RevocationResult',
    ],
  },
  'vintent/http': {
    file: 'src/http/index.ts',
    names: [
      'createVintentServer',
      'DEFAULT_SERVER_LIMITS',
      'ServerLimits',
      'VintentServer',
      'VintentServerConfig',
      'authorizePresentation',
      'AuthorizeAnswer',
      'DecisionError',
      'NetworkTrust',
      'remoteJwksResolver',
      'RemoteJwksOptions',
      'inspectorRoutes',
      'InspectorOptions',
      'startInspector',
      'StandaloneInspector',
      'statusListResolver',
      'StatusListResolverOptions',
      'createServiceMetrics',
      'ServiceMetrics',
      'MetricsSource',
      'Handler',
      'Route',
    ],
  },
  'vintent/network': {
    file: 'src/network/index.ts',
    names: [
      'authorizeAp2Presentation',
      'revokeAp2Mandate',
      'Ap2RevokeOptions',
      'acceptAp2Checkout',
      'ap2LedgerId',
      'AP2_LEDGER_PAIR',
      'Ap2AuthorizeAnswer',
      'Ap2CheckoutAnswer',
      'Ap2MerchantTrust',
      'Ap2NetworkTrust',
      'Ap2PaymentContext',
      'authorizePresentation',
      'verifyWithConfiguredTrust',
      'decisionErrors',
      'AuthorizeAnswer',
      'DecisionError',
      'NetworkTrust',
      'readPublicKeySet',
      'readX5cRoots',
      'revokeMandate',
      'checkRevocationRequest',
      'recordRevocation',
      'RevokeAnswer',
      'RevokeOptions',
      'captureAuthorization',
      'CaptureAnswer',
      'CaptureInput',
      'CaptureOptions',
      'DEFAULT_HOLD_SECONDS',
    ],
  },
  'vintent/pkcs11': {
    file: 'src/sdjwt/pkcs11.ts',
    names: ['openPkcs11Signer', 'Pkcs11Signer', 'Pkcs11SignerOptions'],
  },
  'vintent/inspect': {
    file: 'src/inspect/index.ts',
    names: [
      'ASSETS_DIR',
      'inspectText',
      'InspectAnswer',
      'buildInspectView',
      'inspectBundle',
      'InspectorOptions',
      'decodeSdJwt',
      'ClaimNode',
      'deriveRoleView',
      'RoleView',
      'VIEW_ROLES',
      'ViewRole',
      'BindingView',
      'CardView',
      'ConstraintRow',
      'InspectView',
      'KeyRef',
      'Lifetime',
      'PlacedError',
      'TrustSource',
    ],
  },
};

const program = ts.createProgram(
  Object.values(ENTRY_POINTS).map((e) => join(ROOT, e.file)),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();

function exportsOf(file: string): ts.Symbol[] {
  const source = program.getSourceFile(join(ROOT, file));
  if (!source) throw new Error(`${file} not in the program`);
  return checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
}

/** The declaration's own TSDoc, following re-export aliases to where the name is declared. */
function hasDoc(symbol: ts.Symbol): boolean {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  if (target.getDocumentationComment(checker).length > 0) return true;
  // A documented interface/type whose comment sits on the declaration node (e.g. before `export interface`).
  return (target.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0);
}

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string }>;
};

describe('public API', () => {
  it('package.json exports exactly these entry points, each to its compiled module', () => {
    expect(Object.keys(packageJson.exports).sort()).toEqual([
      '.',
      './http',
      './inspect',
      './ledger',
      './network',
      './package.json',
      './pkcs11',
    ]);
    for (const [name, entry] of Object.entries(ENTRY_POINTS)) {
      const key = name === 'vintent' ? '.' : `./${name.slice('vintent/'.length)}`;
      expect(packageJson.exports[key]?.types).toBe(
        `./${entry.file.replace(/^src\//, 'dist/').replace(/\.ts$/, '.d.ts')}`,
      );
    }
  });

  for (const [name, entry] of Object.entries(ENTRY_POINTS)) {
    describe(name, () => {
      it('exports exactly its listed names', () => {
        expect(
          exportsOf(entry.file)
            .map((s) => s.name)
            .sort(),
        ).toEqual([...entry.names].sort());
      });

      it('re-exports by name only (no export *)', () => {
        expect(readFileSync(join(ROOT, entry.file), 'utf8')).not.toMatch(/export (type )?\*/);
      });

      it('runtime values match the declared value exports', async () => {
        const mod = (await import(join(ROOT, entry.file))) as Record<string, unknown>;
        const values = exportsOf(entry.file)
          .filter((s) => {
            const t = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
            return (t.flags & ts.SymbolFlags.Value) !== 0;
          })
          .map((s) => s.name)
          .sort();
        expect(Object.keys(mod).sort()).toEqual(values);
      });

      it('every export has TSDoc at its declaration', () => {
        const undocumented = exportsOf(entry.file)
          .filter((s) => !hasDoc(s))
          .map((s) => s.name);
        expect(undocumented).toEqual([]);
      });
    });
  }

  it('test seams stay private', () => {
    for (const entry of Object.values(ENTRY_POINTS))
      expect(entry.names).not.toContain('LedgerHooks');
    expect(ENTRY_POINTS.vintent!.names).not.toContain('DEFAULT_LIMITS');
  });
});
