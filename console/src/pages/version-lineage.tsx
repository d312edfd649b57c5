/**
 * A version's lineage drawn as three boxes, dataset → training job → version, each a link where
 * the console has a page for it. An uploaded model has no dataset or job: the diagram says so.
 */
import type { Schemas } from '../api.ts';
import { Facts } from '../components/facts.tsx';
import { pathTo } from '../route-match.ts';
import { href } from '../router.tsx';

interface Node {
  readonly kind: string;
  readonly text: string;
  readonly link?: string;
}

export function LineageDiagram({ version }: { readonly version: Schemas['ModelVersion'] }) {
  const lineage = version.lineage ?? {};
  const nodes: Node[] = [
    lineage.datasetName === undefined
      ? { kind: 'dataset', text: 'none (uploaded)' }
      : {
          kind: 'dataset',
          text: `${lineage.datasetName}${lineage.datasetVersion === undefined ? '' : ` v${lineage.datasetVersion}`}`,
          link:
            lineage.datasetVersion === undefined
              ? pathTo('datasets/:name', { name: lineage.datasetName })
              : pathTo('datasets/:name/versions/:version', {
                  name: lineage.datasetName,
                  version: String(lineage.datasetVersion),
                }),
        },
    lineage.trainingJobId === undefined
      ? { kind: 'training job', text: 'none (uploaded)' }
      : {
          kind: 'training job',
          text: `${lineage.trainingJobId.slice(0, 8)}…${lineage.algorithm ? ` ${lineage.algorithm}` : ''}`,
        },
    { kind: 'version', text: `${version.modelName} v${version.version}` },
  ];
  const boxWidth = 200;
  const gap = 60;
  const width = nodes.length * boxWidth + (nodes.length - 1) * gap;
  return (
    <>
      <svg
        class="lineage"
        viewBox={`0 0 ${width} 70`}
        role="img"
        aria-label={`Lineage: ${nodes.map((node) => `${node.kind} ${node.text}`).join(' → ')}`}
        data-testid="lineage"
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="8"
            markerHeight="8"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="#4a5160" />
          </marker>
        </defs>
        {nodes.map((node, i) => {
          const x = i * (boxWidth + gap);
          const box = (
            <g class="lineage-node" data-kind={node.kind}>
              <rect
                x={x}
                y={5}
                width={boxWidth}
                height={60}
                rx={6}
                fill={node.link ? '#e8effc' : '#f4f6f9'}
                stroke="#6b7385"
              />
              <text x={x + boxWidth / 2} y={28} text-anchor="middle" font-size="13" fill="#4a5160">
                {node.kind}
              </text>
              <text x={x + boxWidth / 2} y={50} text-anchor="middle" font-size="15" fill="#1a1d23">
                {node.text}
              </text>
            </g>
          );
          return (
            <g key={node.kind}>
              {node.link ? <a href={href(node.link)}>{box}</a> : box}
              {i < nodes.length - 1 ? (
                <line
                  x1={x + boxWidth + 4}
                  y1={35}
                  x2={x + boxWidth + gap - 4}
                  y2={35}
                  stroke="#4a5160"
                  stroke-width={2}
                  marker-end="url(#arrow)"
                />
              ) : null}
            </g>
          );
        })}
      </svg>
      {lineage.trainingJobId === undefined ? null : (
        <Facts
          items={[
            ['Training job', <code key="job">{lineage.trainingJobId}</code>],
            ['Algorithm', lineage.algorithm ?? '—'],
            [
              'Parameters',
              lineage.parameters ? <code key="p">{JSON.stringify(lineage.parameters)}</code> : '—',
            ],
          ]}
        />
      )}
    </>
  );
}
