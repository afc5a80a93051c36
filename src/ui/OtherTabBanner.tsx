import { useProjectContext } from './project/context';

/** Said plainly when another tab edits this project (see useTabLock): this one shows its changes and can take over. */
export function OtherTabBanner() {
  const { tab } = useProjectContext();
  if (tab.role !== 'following') return null;
  return (
    <div className="notice info" role="status" data-testid="other-tab">
      <p>This project is open in another tab; changes there show here. To change it in this tab instead, take over:</p>
      <button type="button" className="primary" onClick={tab.takeOver}>
        Edit here instead
      </button>
    </div>
  );
}
