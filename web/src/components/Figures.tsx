// A row of labelled figures (a description list drawn as tiles).
export function Figures({ figures }: { figures: [string, string][] }) {
  return (
    <dl className="figures">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
